# The bad-input battery: one ctest per case_* function in tests/badinput/cases.sh.
file(STRINGS ${CMAKE_CURRENT_SOURCE_DIR}/badinput/cases.sh badinput_lines REGEX "^case_[a-z0-9_]+\\(\\)")
foreach(line ${badinput_lines})
  string(REGEX REPLACE "^case_([a-z0-9_]+)\\(\\).*" "\\1" case ${line})
  add_test(NAME badinput_${case}
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/badinput/run.sh $<TARGET_FILE:topics> ${CMAKE_SOURCE_DIR} ${case})
  set_tests_properties(badinput_${case} PROPERTIES LABELS badinput SKIP_RETURN_CODE 77 TIMEOUT 900)
  if(case MATCHES "one_gigabyte|long_line_200mb|many_tiny_files")
    set_tests_properties(badinput_${case} PROPERTIES LABELS "badinput;slow")
  endif()
endforeach()
