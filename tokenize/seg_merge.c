/* Merges after segmentation, joining only spans with no white space between them:
 *  - a number: digit runs and Chinese numerals (二○○一, 三十 + 一, 1.5 + 亿), with an ordinal
 *    prefix (第三, 第21) or a percentage prefix (百分之五十), or a following % ％ ‰;
 *  - a number with a date or time unit (2001年, 十二月, 三十一日, 3时) and digits with a few
 *    common quantity units (3次, 5个, 30岁, 100元) -- but only when the text is not written in
 *    Traditional Chinese, whose segmentation standards (CKIP/Sinica, UD) keep numeral and measure
 *    word apart ("2009 年"), while mainland ones (PKU, GB/T 13715) write "2009年" as one word;
 *  - Latin letters glued to digits (Python3, H200), when ICU left them apart;
 *  - runs of the same punctuation mark (——, ……, ...), brackets and quotes excepted.
 * A span takes part only when it is ENTIRELY numeral characters, so ICU's words such as 一樣 or
 * 一些 are never touched. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "common/utf8.h"
#include "tokenize/seg_int.h"

/* Chinese numerals 〇○零一二三四五六七八九两兩 (1) and magnitudes 十百千万萬亿億 (2), which may
 * also follow a digit run (1.5亿, 20萬); 0 for anything else. */
static int cn_numeral(unsigned cp) {
  switch (cp) {
    case 0x3007: case 0x25CB: case 0x96F6: case 0x4E00: case 0x4E8C: case 0x4E09: case 0x56DB:
    case 0x4E94: case 0x516D: case 0x4E03: case 0x516B: case 0x4E5D: case 0x4E24: case 0x5169:
      return 1;
    case 0x5341: case 0x767E: case 0x5343: case 0x4E07: case 0x842C: case 0x4EBF: case 0x5104:
      return 2;
    default:
      return 0;
  }
}

/* Decodes the 3-byte UTF-8 character at c (all the characters above are 3 bytes long). */
static unsigned cp3(const unsigned char *c) {
  if ((c[0] & 0xF0) != 0xE0 || (c[1] & 0xC0) != 0x80 || (c[2] & 0xC0) != 0x80) return 0;
  return ((unsigned)(c[0] & 0x0F) << 12) | ((unsigned)(c[1] & 0x3F) << 6) | (c[2] & 0x3F);
}

/* Units that make one word with a number before them (mainland convention). */
static const char *const date_units[] = {"年", "月", "日", "号", "號", "时", "時", "点",
                                         "點", "分", "秒", NULL};
/* Units that make one word with a digit run before them (3次, not 一次: that is a word of ICU's
 * dictionary or two words by every standard). */
static const char *const qty_units[] = {"次", "个", "個", "岁", "歲", "元", NULL};
static const char *const pct_prefixes[] = {"百分之", "千分之", "万分之", "萬分之", NULL};

static int in_list(const char *s, size_t len, const char *const *list) {
  for (; *list; list++)
    if (strlen(*list) == len && memcmp(*list, s, len) == 0) return 1;
  return 0;
}

enum { NUM_NONE = 0, NUM_DIGITS = 1, NUM_CHINESE = 2, NUM_MAGNITUDE = 3 };

/* What kind of numeral a span is: digits (ICU's number segments), Chinese numerals, Chinese
 * magnitudes only (万, 亿, 十万), or not a numeral. */
static int numeral_type(const char *text, const seg_span *sp) {
  if (sp->kind == SEG_NUMBER) return NUM_DIGITS;
  /* U+25CB WHITE CIRCLE stands in for 〇 in dates such as 二○○一年; ICU calls it a symbol. */
  if (sp->kind == SEG_PUNCT && sp->len == 3 && memcmp(text + sp->start, "○", 3) == 0)
    return NUM_CHINESE;
  if (sp->kind != SEG_IDEO || sp->len % 3 != 0) return NUM_NONE;
  const unsigned char *c = (const unsigned char *)text + sp->start;
  int only_mag = 1;
  for (size_t i = 0; i < sp->len; i += 3) {
    int t = cn_numeral(cp3(c + i));
    if (t == 0) return NUM_NONE;
    if (t == 1) only_mag = 0;
  }
  return only_mag ? NUM_MAGNITUDE : NUM_CHINESE;
}

static int span_is(const char *text, const seg_span *sp, const char *s) {
  size_t l = strlen(s);
  return sp->len == l && memcmp(text + sp->start, s, l) == 0;
}

/* A run of the same punctuation may merge: one code point of general category P, not an opening
 * or closing bracket or quote. */
static int runnable_punct(const char *text, const seg_span *sp) {
  unsigned cp;
  size_t k = utf8_decode((const unsigned char *)text + sp->start, sp->len, &cp);
  if (k != sp->len || cp == 0xFFFD) return 0;
  if (cp < 0x80)
    return cp == '.' || cp == '-' || cp == '!' || cp == '?' || cp == '*' || cp == '=' ||
           cp == '~' || cp == '_';
  int t = u_charType((UChar32)cp);
  return t == U_DASH_PUNCTUATION || t == U_OTHER_PUNCTUATION || t == U_CONNECTOR_PUNCTUATION;
}

static int ascii_letters(const char *text, const seg_span *sp) {
  for (size_t i = 0; i < sp->len; i++) {
    unsigned char c = (unsigned char)text[sp->start + i];
    if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !(c >= '0' && c <= '9')) return 0;
  }
  return 1;
}

static int ascii_digits(const char *text, const seg_span *sp) {
  for (size_t i = 0; i < sp->len; i++) {
    unsigned char c = (unsigned char)text[sp->start + i];
    if (!(c >= '0' && c <= '9')) return 0;
  }
  return 1;
}

_Thread_local size_t seg_scan_work;

/* Whether the text is Traditional Chinese is worked out lazily, once per context (seg_ctx). */
typedef seg_ctx merge_ctx;

static int mainland(merge_ctx *m) {
  if (m->trad < 0) m->trad = seg_looks_traditional(m->text, m->len);
  return !m->trad;
}

/* How many spans from i form one number (0 or 1: no merge). */
static size_t number_group(merge_ctx *m, const seg_span *sp, size_t i, size_t n) {
  const char *text = m->text;
  if (sp[i].kind == SEG_IDEO) {
    /* Most Han spans start with neither a numeral nor 第 百 千 万 萬: leave them at once. */
    unsigned c0 = cp3((const unsigned char *)text + sp[i].start);
    if (!cn_numeral(c0) && c0 != 0x7B2C /* 第 */) return 1;
  }
  size_t j = i;
  int prefix = 0;
  if (j + 1 < n && sp[j + 1].glued && sp[j].kind == SEG_IDEO) {
    if (span_is(text, &sp[j], "第")) {
      prefix = 1;
      j++;
    } else if (in_list(text + sp[j].start, sp[j].len, pct_prefixes)) {
      prefix = 2;
      j++;
    } else if (j + 2 < n && sp[j + 2].glued && span_is(text, &sp[j + 1], "之") &&
               (span_is(text, &sp[j], "百分") || span_is(text, &sp[j], "千分"))) {
      prefix = 2;
      j += 2;
    }
  }
  int t = numeral_type(text, &sp[j]);
  if (t == NUM_NONE) return 1;
  int first = t;
  size_t k = j + 1;
  /* More numeral spans: Chinese numerals after Chinese numerals, magnitudes after anything. */
  while (k < n && sp[k].glued) {
    int u = numeral_type(text, &sp[k]);
    if (u == NUM_MAGNITUDE || (u == NUM_CHINESE && first != NUM_DIGITS)) {
      k++;
      continue;
    }
    break;
  }
  /* 百分之六点五: after a percentage prefix 点 is a decimal point (elsewhere it may be o'clock). */
  if (prefix == 2 && k + 1 < n && sp[k].glued && sp[k + 1].glued &&
      (span_is(text, &sp[k], "点") || span_is(text, &sp[k], "點")) &&
      numeral_type(text, &sp[k + 1]) == NUM_CHINESE)
    return k + 2 - i;
  /* ICU's dictionary may have glued the last numeral to its unit (二○○ + 一年, 三十 + 一日): such
   * a span ends the number when every character but the unit is a numeral. */
  if (k > j + 0 && k < n && sp[k].glued && first != NUM_DIGITS && prefix == 0 &&
      sp[k].kind == SEG_IDEO && sp[k].len >= 6) {
    seg_span head = sp[k];
    head.len -= 3;
    if (numeral_type(text, &head) != NUM_NONE &&
        in_list(text + sp[k].start + head.len, 3, date_units) && mainland(m))
      return k + 1 - i;
  }
  if (k < n && sp[k].glued) {
    const char *u = text + sp[k].start;
    size_t ul = sp[k].len;
    if ((ul == 1 && u[0] == '%') || (ul == 3 && (memcmp(u, "％", 3) == 0 || memcmp(u, "‰", 3) == 0))) {
      if (prefix == 0) k++;
    } else if (prefix == 0 && sp[k].kind == SEG_IDEO && in_list(u, ul, date_units) && mainland(m)) {
      k++;
    } else if (prefix == 0 && first == NUM_DIGITS && sp[k].kind == SEG_IDEO &&
               in_list(u, ul, qty_units) && mainland(m)) {
      k++;
    }
  }
  return k - i;
}

/* Whether a Han span is a Chinese number, alone or after 第 (第十, 三). */
static int cn_number_span(const char *text, const seg_span *sp) {
  seg_span s = *sp;
  if (s.len > 3 && memcmp(text + s.start, "第", 3) == 0) {
    s.start += 3;
    s.len -= 3;
  }
  int t = numeral_type(text, &s);
  return t == NUM_CHINESE || t == NUM_MAGNITUDE;
}

/* ICU's dictionary may cut a Chinese number in two and glue its end to the measure word after it
 * (第十 + 五届, 三 + 十五岁): the numerals move back to the number (第十五 + 届, 三十五 + 岁). Only a
 * span of numerals and one last character that is not one gives them up. */
static void mend_numbers(const char *text, seg_span *sp, size_t base, size_t n) {
  for (size_t i = base; i + 1 < n; i++) {
    seg_span *a = &sp[i], *b = &sp[i + 1];
    if (!b->glued || a->kind != SEG_IDEO || b->kind != SEG_IDEO || b->len < 6 || b->len % 3 != 0)
      continue;
    seg_span head = *b;
    head.len -= 3;
    if (numeral_type(text, &head) == NUM_NONE || cn_numeral(cp3((const unsigned char *)text +
                                                                 b->start + head.len)) != 0 ||
        !cn_number_span(text, a))
      continue;
    a->len += head.len;
    b->start += head.len;
    b->len = 3;
  }
}

void seg_merge(const char *text, size_t len, seg_span *sp, size_t base, size_t *n) {
  seg_ctx m = {text, len, -1};
  seg_merge_ctx(&m, sp, base, n);
}

void seg_merge_ctx(seg_ctx *ctx, seg_span *sp, size_t base, size_t *n) {
  merge_ctx *m = ctx;
  const char *text = m->text;
  mend_numbers(text, sp, base, *n);
  size_t w = base, i = base, end = *n;
  while (i < end) {
    size_t take = 1;
    int kind = sp[i].kind;
    int next_glued = i + 1 < end && sp[i + 1].glued;
    if (next_glued) {
      switch (sp[i].kind) {
        case SEG_NUMBER:
        case SEG_IDEO:
          take = number_group(m, sp, i, end);
          if (take > 1) kind = SEG_NUMBER;
          if (take <= 1 && sp[i].kind == SEG_NUMBER && sp[i + 1].kind == SEG_WORD &&
              ascii_digits(text, &sp[i]) && ascii_letters(text, &sp[i + 1])) {
            take = 2;
            kind = SEG_WORD;
          }
          break;
        case SEG_WORD:
          if (sp[i + 1].kind == SEG_NUMBER && ascii_letters(text, &sp[i]) &&
              ascii_digits(text, &sp[i + 1])) {
            take = 2;
          }
          break;
        case SEG_PUNCT:
          /* The cheap test (same bytes next) first; the category lookup only for real runs. */
          while (i + take < end && sp[i + take].glued && sp[i + take].len == sp[i].len &&
                 memcmp(text + sp[i + take].start, text + sp[i].start, sp[i].len) == 0)
            take++;
          seg_scan_work += take;
          if (take > 1 && !runnable_punct(text, &sp[i])) {
            /* Every symbol span of a run that may not merge stays as it is: pass them all now
             * rather than scan the rest of the run again from each of them. */
            size_t keep = 1;
            while (keep < take && sp[i + keep].kind == SEG_PUNCT) keep++;
            if (w != i) memmove(&sp[w], &sp[i], keep * sizeof *sp);
            w += keep;
            i += keep;
            continue;
          }
          break;
        default:
          break;
      }
    }
    if (take <= 1) { /* the common case: the span stays as it is */
      if (w != i) sp[w] = sp[i];
      w++;
      i++;
      continue;
    }
    seg_span out = sp[i];
    seg_span *last = &sp[i + take - 1];
    out.len = last->start + last->len - out.start;
    out.kind = (uint8_t)kind;
    sp[w++] = out;
    i += take;
  }
  *n = w;
}

/* Frequent characters written differently in the two scripts, leaving out those the other script
 * also uses (后 in 天后, 台 in 台北, 系, 制, 只, 余, 划). */
static const char trad_only[] =
    "個們來這說時國會學對為與發經過後動種當於實現點從關長開無麼樣機體問題業還進將頭見間區應號"
    "歲萬億兩電腦網資訊統計設係變數據庫檔軟華灣臺東車書報導員場產總處務門讓認識議論話請讀寫聽"
    "買賣錢銀鐵習歷義軍黨傳廣圖團園眾聯邊達運際隊陽雙難雲風飛馬魚鳥黃齊親觀權條樓標樂構歡氣漢"
    "熱爭狀獎環畫盡確碼積穩筆節範簡類級紅約紀組結給絕維綜線練縣績續聖職興舉舊藝術衛裝製複規視"
    "覺訂記許試詞該詳誤課調談證貝負責費貿質購贊較輕輸辦農遠選鄉醫針鍵鎮閉閱隨險雖雜離靈韓頁項"
    "順須領頻顯飯館驗髮鬥麗齡龍圍繼廟廠擴噸軒陸屬齒憶島嶼側偉僅優兒內冊劍勞勝勢協參嚴壓壞壯夢"
    "夠奪媽孫寧寶專尋層幣廳彈懷態戰擇擔擊攝敵斷極槍歐殺決況淚滅滿漁濟災煙燈爛牆獨獄獲畢療盤監"
    "礦禮競糧純紙細終絲編緊繩聞聲肅膽臉艦莊葉蘇蘭蟲補覽觸訴詩謝護豐財貨貴賽贏趕踐軌輪轉遲遺郵"
    "鄭釋錄鏡鐘閃陣陳階雞頓顧飲驅驚鬧魯鮮鳳麥";
static const char simp_only[] =
    "个们来这说时国会学对为与发经过动种当于实现点从关长开无么样机体问题业还进将头见间区应号岁"
    "万亿两电脑网资讯统计设变数据库档软华湾东车书报导员场产总处务门让认识议论话请读写听买卖钱"
    "银铁习历义军党传广图团园众联边达运际队阳双难云风飞马鱼鸟黄齐亲观权条楼标乐构欢气汉热争状"
    "奖环画尽确码积稳笔节简类级红约纪组结给绝维综线练县绩续圣职兴举旧艺术卫装复规视觉订记许试"
    "词该详误课调谈证贝负责费贸质购赞较轻输办农远选乡医针键镇闭阅随险虽杂离灵韩页项顺须领频显"
    "饭馆验丽龄龙围继庙厂扩吨轩陆属齿忆岛屿侧伟仅优儿内册剑劳胜势协参严压坏壮梦够夺妈孙宁宝专"
    "寻层币厅弹怀态战择担击摄敌断极枪欧杀决况泪灭满渔济灾烟灯烂墙独狱获毕疗盘监矿礼竞粮纯纸细"
    "终丝编紧绳闻声肃胆脸舰庄叶苏兰虫补览触诉诗谢护丰财货贵赛赢赶践轨轮转迟遗邮郑释录镜钟闪阵"
    "陈阶鸡顿顾饮驱惊闹鲁鲜凤麦";

/* Code point sets as sorted arrays, built once. */
static unsigned trad_cp[sizeof trad_only / 3], simp_cp[sizeof simp_only / 3];
static size_t trad_n, simp_n;
static pthread_once_t script_once = PTHREAD_ONCE_INIT;

static int cmp_u(const void *a, const void *b) {
  unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
  return (x > y) - (x < y);
}

static size_t decode_all(const char *s, unsigned *out) {
  size_t n = 0, len = strlen(s);
  for (size_t i = 0; i < len;) {
    unsigned cp;
    i += utf8_decode((const unsigned char *)s + i, len - i, &cp);
    out[n++] = cp;
  }
  qsort(out, n, sizeof *out, cmp_u);
  return n;
}

static void script_init(void) {
  trad_n = decode_all(trad_only, trad_cp);
  simp_n = decode_all(simp_only, simp_cp);
}

static int has_cp(const unsigned *set, size_t n, unsigned cp) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (set[mid] < cp)
      lo = mid + 1;
    else if (set[mid] > cp)
      hi = mid;
    else
      return 1;
  }
  return 0;
}

int seg_looks_traditional(const char *text, size_t len) {
  pthread_once(&script_once, script_init);
  const unsigned char *p = (const unsigned char *)text;
  int t = 0, s = 0;
  /* A decisive lead settles it early, so long documents cost little. */
  for (size_t i = 0; i < len && t - s < 16 && s - t < 16;) {
    if (p[i] < 0xE4) {
      i++;
      continue;
    }
    unsigned cp;
    i += utf8_decode(p + i, len - i, &cp);
    if (cp < 0x4E00 || cp > 0x9FFF) continue;
    t += has_cp(trad_cp, trad_n, cp);
    s += has_cp(simp_cp, simp_n, cp);
  }
  return t > s;
}
