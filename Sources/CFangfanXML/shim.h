#ifndef CFANGFAN_XML_SHIM_H
#define CFANGFAN_XML_SHIM_H
/* libxml2 built with ICU includes <unicode/ucnv.h> from encoding.h; the system ICU headers clash with
   Foundation's own ICU module ("'UErrorCode' has different definitions in different modules").
   Nothing here touches xmlCharEncodingHandler's ICU fields (it is only ever used through pointers),
   so hide ICU from the headers. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlreader.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#endif
