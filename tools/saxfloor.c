/* saxfloor: libxml2's SAX2 pull parser over a file with empty callbacks, the parser options fangfan
 * uses (NONET, COMPACT) and 64 KB reads: the floor for XML ingest built on libxml2 (what is left
 * once fangfan's own callbacks, validation and staging cost nothing). tools/bench.py builds and times
 * it beside `xmllint --stream --noout` on the same files.
 *   cc -O2 saxfloor.c $(pkg-config --cflags --libs libxml-2.0) -o saxfloor && ./saxfloor FILE.xml
 * Prints the elements seen; exits 1 if the document is not well-formed. */
#include <libxml/parser.h>
#include <stdio.h>
#include <string.h>

static long elements;
static FILE *in;
static char block[64 << 10];
static size_t have, at;

static void start(void *c, const xmlChar *l, const xmlChar *p, const xmlChar *u, int nns, const xmlChar **ns,
                  int na, int nd, const xmlChar **a) { elements++; }
static void end(void *c, const xmlChar *l, const xmlChar *p, const xmlChar *u) {}
static void text(void *c, const xmlChar *t, int n) {}

/* as fangfan's parse worker: blocks read from the file, handed over as libxml2 asks */
static int readInput(void *ctx, char *buf, int len) {
    int given = 0;
    while (given < len) {
        if (at == have) {
            have = fread(block, 1, sizeof block, in);
            at = 0;
            if (have == 0) break;
        }
        size_t k = have - at < (size_t)(len - given) ? have - at : (size_t)(len - given);
        memcpy(buf + given, block + at, k);
        at += k;
        given += (int)k;
    }
    return given;
}
static int closeInput(void *ctx) { return 0; }

int main(int argc, char **argv) {
    if (argc != 2 || !(in = fopen(argv[1], "rb"))) { fprintf(stderr, "usage: saxfloor FILE.xml\n"); return 2; }
    xmlSAXHandler h;
    memset(&h, 0, sizeof h);
    h.initialized = XML_SAX2_MAGIC;
    h.startElementNs = start;
    h.endElementNs = end;
    h.characters = text;
    h.ignorableWhitespace = text;
    h.cdataBlock = text;
    xmlParserCtxtPtr c = xmlCreateIOParserCtxt(&h, NULL, readInput, closeInput, NULL, XML_CHAR_ENCODING_NONE);
    if (!c) return 1;
    xmlCtxtUseOptions(c, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
    xmlParseDocument(c);
    int ok = c->wellFormed;
    xmlFreeParserCtxt(c);
    printf("%ld elements%s\n", elements, ok ? "" : " (not well-formed)");
    return ok ? 0 : 1;
}
