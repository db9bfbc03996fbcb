#ifndef CFANGFAN_XML_SHIM_H
#define CFANGFAN_XML_SHIM_H
#include <libxml/xmlreader.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#endif
