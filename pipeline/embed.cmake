# cmake -DOUT=file.c -DJS=report.js -DCSS=report.css -P embed.cmake
# Writes a C file holding both files as NUL-terminated byte arrays (see report_assets.h).
function(embed_one var path result)
  file(READ "${path}" hex HEX)
  string(LENGTH "${hex}" n)
  math(EXPR bytes "${n} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
  # one line per 24 bytes keeps the generated file readable for a compiler's error messages
  string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){24})" "\\1\n" body "${body}")
  set(${result} "const char ${var}[] = {\n${body}0x00};\nconst size_t ${var}_len = ${bytes};\n" PARENT_SCOPE)
endfunction()
embed_one(report_js "${JS}" js)
embed_one(report_css "${CSS}" css)
file(WRITE "${OUT}.tmp" "/* Generated from pipeline/report.js and report.css by pipeline/embed.cmake. */\n#include \"pipeline/report_assets.h\"\n\n${js}\n${css}")
file(RENAME "${OUT}.tmp" "${OUT}")
