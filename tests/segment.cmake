# Command-line tests of `topics segment`.
#
# Golden cases live in tests/golden/segment-<case>/: input files, `args` (the arguments after
# `segment`, one a line; default `input.txt`), `stdin.txt` (fed to standard input when present),
# `expected.txt` (standard output), and optionally `expected-stderr.txt` and `status` (exit code,
# default 0). Outputs are compared with `diff -u`.
#
# This file is both included by tests/CMakeLists.txt (to register the tests) and run with
# `cmake -P` (to run one of them), with MODE = golden, threads or cli.

if(CMAKE_SCRIPT_MODE_FILE)
  function(fail msg)
    message(FATAL_ERROR "${msg}")
  endfunction()
  function(compare expected actual)
    execute_process(COMMAND diff -u ${expected} ${actual} RESULT_VARIABLE d)
    if(NOT d EQUAL 0)
      fail("${actual} differs from ${expected}")
    endif()
  endfunction()

  file(MAKE_DIRECTORY ${OUT})
  # The word list is read from TOPICS_RIME_ESSAY: none for golden cases (their output must not
  # depend on whether rime-essay is installed), the one given to a cli case.
  if(NOT ESSAY)
    set(ESSAY none)
  endif()
  set(ENV{TOPICS_RIME_ESSAY} "${ESSAY}")
  if(MODE STREQUAL "golden")
    set(args input.txt)
    if(EXISTS ${CASE}/args)
      file(STRINGS ${CASE}/args args)
    endif()
    set(in "")
    if(EXISTS ${CASE}/stdin.txt)
      set(in INPUT_FILE ${CASE}/stdin.txt)
    endif()
    execute_process(COMMAND ${BIN} segment ${args} WORKING_DIRECTORY ${CASE} ${in}
      OUTPUT_FILE ${OUT}/stdout.txt ERROR_FILE ${OUT}/stderr.txt RESULT_VARIABLE rc)
    set(want 0)
    if(EXISTS ${CASE}/status)
      file(STRINGS ${CASE}/status want)
    endif()
    if(NOT rc STREQUAL want)
      file(READ ${OUT}/stderr.txt err)
      fail("exit status ${rc}, want ${want}; stderr:\n${err}")
    endif()
    compare(${CASE}/expected.txt ${OUT}/stdout.txt)
    if(EXISTS ${CASE}/expected-stderr.txt)
      compare(${CASE}/expected-stderr.txt ${OUT}/stderr.txt)
    endif()
  elseif(MODE STREQUAL "threads")
    # A few MB of note lines, so that -t 2 and -t 3 split it into several blocks and batches.
    file(READ ${CASE}/input.txt piece)
    string(REPEAT "${piece}" 300 chunk)
    file(WRITE ${OUT}/big.txt "")
    foreach(i RANGE 1 12)
      file(APPEND ${OUT}/big.txt "${chunk}")
    endforeach()
    foreach(raw "" "--raw")
      foreach(t 1 2 3)
        execute_process(COMMAND ${BIN} segment ${raw} -t ${t} ${OUT}/big.txt
          OUTPUT_FILE ${OUT}/out${raw}-${t}.txt RESULT_VARIABLE rc)
        if(NOT rc EQUAL 0)
          fail("topics segment ${raw} -t ${t} failed with ${rc}")
        endif()
      endforeach()
      compare(${OUT}/out${raw}-1.txt ${OUT}/out${raw}-2.txt)
      compare(${OUT}/out${raw}-1.txt ${OUT}/out${raw}-3.txt)
    endforeach()
    # One output line per input line (wc: CMake's own string handling is slow on megabytes).
    foreach(f big.txt out--raw-1.txt out-1.txt)
      execute_process(COMMAND wc -l ${OUT}/${f} OUTPUT_VARIABLE wc)
      string(REGEX MATCH "[0-9]+" lines_${f} "${wc}")
    endforeach()
    if(NOT lines_big.txt EQUAL lines_out--raw-1.txt OR NOT lines_big.txt EQUAL lines_out-1.txt)
      fail("${lines_big.txt} input lines but ${lines_out--raw-1.txt} and ${lines_out-1.txt} output lines")
    endif()
    # One line of about 3 MB (longer than a batch): still one output line, same at -t 1 and 2.
    string(REPLACE "\n" " " line "${chunk}")
    file(WRITE ${OUT}/long.txt "")
    foreach(i RANGE 1 12)
      file(APPEND ${OUT}/long.txt "${line}")
    endforeach()
    foreach(t 1 2)
      execute_process(COMMAND ${BIN} segment --raw -t ${t} ${OUT}/long.txt
        OUTPUT_FILE ${OUT}/long-${t}.txt RESULT_VARIABLE rc)
      if(NOT rc EQUAL 0)
        fail("topics segment on one long line failed with ${rc}")
      endif()
    endforeach()
    compare(${OUT}/long-1.txt ${OUT}/long-2.txt)
    execute_process(COMMAND wc -l ${OUT}/long-1.txt OUTPUT_VARIABLE wc)
    if(NOT wc MATCHES "^1 ")
      fail("one long input line gave ${wc} output lines")
    endif()
    file(REMOVE ${OUT}/big.txt ${OUT}/long.txt)
  elseif(MODE STREQUAL "cli")
    # ARGS uses '|' between arguments; the run must exit with STATUS and print REGEX on the
    # stream STREAM (stderr unless told).
    string(REPLACE "|" ";" args "${ARGS}")
    execute_process(COMMAND ${BIN} segment ${args} WORKING_DIRECTORY ${OUT}
      OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
    if(NOT rc STREQUAL STATUS)
      fail("exit status ${rc}, want ${STATUS}; stderr:\n${err}")
    endif()
    set(text "${err}")
    if(STREAM STREQUAL "stdout")
      set(text "${out}")
    endif()
    if(NOT text MATCHES "${REGEX}")
      fail("output does not match '${REGEX}':\n${text}")
    endif()
  endif()
  return()
endif()

set(seg_run ${CMAKE_COMMAND} -DBIN=$<TARGET_FILE:topics> -P ${CMAKE_CURRENT_LIST_FILE})
file(GLOB seg_cases LIST_DIRECTORIES true ${CMAKE_CURRENT_LIST_DIR}/golden/segment-*)
foreach(dir ${seg_cases})
  if(IS_DIRECTORY ${dir})
    get_filename_component(name ${dir} NAME)
    add_test(NAME golden_${name} COMMAND ${CMAKE_COMMAND} -DBIN=$<TARGET_FILE:topics> -DMODE=golden
      -DCASE=${dir} -DOUT=${CMAKE_CURRENT_BINARY_DIR}/golden/${name} -P ${CMAKE_CURRENT_LIST_FILE})
    set_tests_properties(golden_${name} PROPERTIES LABELS golden)
  endif()
endforeach()

add_test(NAME segment_threads COMMAND ${CMAKE_COMMAND} -DBIN=$<TARGET_FILE:topics> -DMODE=threads
  -DCASE=${CMAKE_CURRENT_LIST_DIR}/golden/segment-terms
  -DOUT=${CMAKE_CURRENT_BINARY_DIR}/segment-threads -P ${CMAKE_CURRENT_LIST_FILE})
set_tests_properties(segment_threads PROPERTIES LABELS golden)

# Command-line errors: exit status 2 and a message naming the option; I/O errors: 1 and the file.
function(topics_segment_cli name status regex args)
  add_test(NAME segment_cli_${name} COMMAND ${CMAKE_COMMAND} -DBIN=$<TARGET_FILE:topics> -DMODE=cli
    "-DARGS=${args}" -DSTATUS=${status} "-DREGEX=${regex}" -DSTREAM=${ARGV4} "-DESSAY=${ARGV5}"
    -DOUT=${CMAKE_CURRENT_BINARY_DIR}/segment-cli -P ${CMAKE_CURRENT_LIST_FILE})
  set_tests_properties(segment_cli_${name} PROPERTIES LABELS cli)
endfunction()
topics_segment_cli(threads_zero 2 "option -t: '0' is not a number.*Try 'topics segment --help'" "-t|0")
topics_segment_cli(threads_word 2 "option --threads: 'abc'" "--threads|abc")
topics_segment_cli(threads_big 2 "option -t: '100000'" "-t100000")
topics_segment_cli(threads_missing 2 "option -t needs a number" "-t")
topics_segment_cli(dict_missing 2 "option --dict needs a FILE" "--dict")
topics_segment_cli(unknown 2 "unknown option --frobnicate.*usage: topics segment" "--frobnicate")
topics_segment_cli(help 0 "usage: topics segment.*--no-fold-han.*--no-learn" "--help" stdout)
# A word list named but unreadable is an error naming it; the installed one is optional.
topics_segment_cli(essay_missing 1 "no-such-essay.txt: cannot read the word list" "--raw|-" ""
  no-such-essay.txt)
# With a word list: 敲响 (from 敲響 in the list, folded) joined from the single characters ICU gives.
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/segment-cli/essay.txt "敲響\t500\n")
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/segment-cli/bell.txt "钟声敲响。\n")
topics_segment_cli(essay_join 0 "敲响 。" "--raw|--no-learn|bell.txt" stdout
  ${CMAKE_CURRENT_BINARY_DIR}/segment-cli/essay.txt)
topics_segment_cli(essay_off 0 "敲 响 。" "--raw|--no-learn|bell.txt" stdout "")
topics_segment_cli(no_file 1 "no-such-file.txt: cannot open" "no-such-file.txt")
topics_segment_cli(no_dict 1 "missing-dict.txt: cannot open" "--dict|missing-dict.txt|-")
topics_segment_cli(directory 1 "cannot read" ".")
