# The report in a real browser: tests/browser/report_test.py runs `topics corpus/ -k 10 -o DIR` and
# drives headless Chromium over its debugging pipe (Python's standard library only). Label
# `browser`; skipped (exit 77) with a message when chromium is not installed. Screenshots go to
# the build directory (tests/browser/report-screenshot.png).
find_program(TOPICS_PYTHON3 python3)
if(TOPICS_PYTHON3)
  add_test(NAME browser_report
    COMMAND ${TOPICS_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/browser/report_test.py
      --topics $<TARGET_FILE:topics> --corpus ${CMAKE_SOURCE_DIR}/corpus
      --out ${CMAKE_CURRENT_BINARY_DIR}/browser -k 10)
else()
  add_test(NAME browser_report COMMAND sh -c "echo 'skipped: python3 is not installed'; exit 77")
endif()
set_tests_properties(browser_report PROPERTIES LABELS browser SKIP_RETURN_CODE 77 TIMEOUT 300)
