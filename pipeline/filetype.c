/* Binary detection: magic numbers first (they are certain), then byte statistics of the first
 * 8 KiB. Thresholds are loose on purpose: a notes file with a few stray control characters or
 * some Latin-1 bytes is still text and gets repaired; only data that is mostly garbage is skipped. */
#include "pipeline/filetype.h"

#include <string.h>

#include "common/utf8.h"

typedef struct magic {
  size_t off;
  const char *bytes;
  size_t len;
  const char *name;
} magic;

static const magic magics[] = {
    {0, "\x89PNG\r\n\x1a\n", 8, "PNG image"},
    {0, "\xFF\xD8\xFF", 3, "JPEG image"},
    {0, "GIF87a", 6, "GIF image"},
    {0, "GIF89a", 6, "GIF image"},
    {0, "%PDF-", 5, "PDF document"},
    {0, "\x7F" "ELF", 4, "ELF executable"},
    {0, "\x1F\x8B", 2, "gzip archive"},
    {0, "PK\x03\x04", 4, "zip archive"},
    {0, "PK\x05\x06", 4, "zip archive"},
    {0, "BZh", 3, "bzip2 archive"},
    {0, "\xFD" "7zXZ\x00", 6, "xz archive"},
    {0, "\x28\xB5\x2F\xFD", 4, "zstd archive"},
    {0, "7z\xBC\xAF\x27\x1C", 6, "7-zip archive"},
    {0, "\xFE\xED\xFA\xCE", 4, "Mach-O executable"},
    {0, "\xFE\xED\xFA\xCF", 4, "Mach-O executable"},
    {0, "\xCE\xFA\xED\xFE", 4, "Mach-O executable"},
    {0, "\xCF\xFA\xED\xFE", 4, "Mach-O executable"},
    {0, "\xCA\xFE\xBA\xBE", 4, "Mach-O universal binary"},
    {0, "RIFF", 4, "RIFF media file"},
    {0, "OggS", 4, "Ogg media file"},
    {0, "\x00\x00\x01\x00", 4, "icon image"},
    {0, "SQLite format 3", 15, "SQLite database"},
    {0, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, "MS Office document"},
    {0, "wOFF", 4, "web font"},
    {257, "ustar", 5, "tar archive"},
};

static int has_magic(const unsigned char *s, size_t len, const magic *m) {
  return len >= m->off + m->len && memcmp(s + m->off, m->bytes, m->len) == 0;
}

void ft_sniff(const unsigned char *s, size_t len, int eof, ft_info *out) {
  out->enc = FT_UTF8;
  out->bom = 0;
  out->reason = NULL;
  out->clean_utf8 = 0;
  if (len > FT_SNIFF_BYTES) {
    len = FT_SNIFF_BYTES;
    eof = 0;
  }
  for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++) {
    if (has_magic(s, len, &magics[i])) {
      out->enc = FT_BINARY;
      out->reason = magics[i].name;
      return;
    }
  }
  /* BOMs before the NUL heuristic: UTF-16 text is half NUL bytes. */
  if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
    out->bom = 3;
  } else if (len >= 2 && s[0] == 0xFF && s[1] == 0xFE) {
    out->enc = FT_UTF16LE;
    out->bom = 2;
    return;
  } else if (len >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
    out->enc = FT_UTF16BE;
    out->bom = 2;
    return;
  }
  size_t nul = 0, ctrl = 0, high = 0, bad = 0;
  for (size_t i = out->bom; i < len;) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if (c == 0) nul++;
      else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B) || c == 0x7F)
        ctrl++;
      i++;
      continue;
    }
    unsigned cp;
    size_t n = utf8_decode(s + i, len - i, &cp);
    high += n;
    /* A sequence cut by the end of the window is not evidence of anything. */
    if (cp == 0xFFFD && !(n == 3 && s[i + 1] == 0xBF && s[i + 2] == 0xBD) && (eof || i + n < len))
      bad += n;
    i += n;
  }
  size_t total = len - out->bom;
  if (total == 0) {
    out->clean_utf8 = 1;
    return;
  }
  if (nul * 10 > total && nul > 0) {
    /* Text in UTF-16 without a BOM has NULs in every other byte. */
    out->enc = FT_BINARY;
    out->reason = "binary data (or UTF-16 without a byte order mark)";
    return;
  }
  if ((nul + ctrl) * 10 > total) {
    out->enc = FT_BINARY;
    out->reason = "binary data";
    return;
  }
  if (bad * 4 > total && bad * 2 > high) {
    out->enc = FT_BINARY;
    out->reason = "not UTF-8: a legacy encoding such as Big5, GBK or Latin-1, or binary data";
    return;
  }
  out->clean_utf8 = bad == 0 && nul == 0;
}
