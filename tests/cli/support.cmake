# Helpers for the command-line tests (cases/*.cmake). Each case runs with
#   -DKRELU=<the krelu binary> -DDATA=<tests/data> -DWORK_DIR=<its own scratch dir> -DSUPPORT=<this file>
# Arithmetic on floating-point results is left to the tool itself (`krelu verify --claim`);
# these helpers compare strings, JSON fields (string(JSON)) and exit codes.

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

# krelu_run(<prefix> [EXIT <code>] ARGS <arg>...): runs the tool in WORK_DIR, requires the exit
# code (default 0), and sets <prefix>_OUT and <prefix>_ERR in the caller.
function(krelu_run prefix)
  cmake_parse_arguments(R "" "EXIT" "ARGS" ${ARGN})
  if(NOT DEFINED R_EXIT)
    set(R_EXIT 0)
  endif()
  execute_process(COMMAND ${KRELU} ${R_ARGS} WORKING_DIRECTORY ${WORK_DIR}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT "${rc}" STREQUAL "${R_EXIT}")
    message(FATAL_ERROR "krelu ${R_ARGS}\nexit code ${rc}, expected ${R_EXIT}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  set(${prefix}_OUT "${out}" PARENT_SCOPE)
  set(${prefix}_ERR "${err}" PARENT_SCOPE)
endfunction()

# expect_match(<text> <regex> <what>)
function(expect_match text regex what)
  if(NOT "${text}" MATCHES "${regex}")
    message(FATAL_ERROR "${what}: expected a match of '${regex}' in:\n${text}")
  endif()
endfunction()

# expect_no_match(<text> <regex> <what>)
function(expect_no_match text regex what)
  if("${text}" MATCHES "${regex}")
    message(FATAL_ERROR "${what}: unexpected match of '${regex}' in:\n${text}")
  endif()
endfunction()

# krelu_fails(<regex> ARGS <arg>...): exit code 2 and exactly one stderr line
# "krelu: error: ..." matching <regex>, nothing on stdout.
function(krelu_fails regex)
  krelu_run(F EXIT 2 ${ARGN})
  expect_match("${F_ERR}" "^krelu: error: [^\n]*\n$" "one error line")
  expect_match("${F_ERR}" "${regex}" "error message")
  if(NOT "${F_OUT}" STREQUAL "")
    message(FATAL_ERROR "a failing command printed on stdout:\n${F_OUT}")
  endif()
endfunction()

# json_get(<var> <json> <key or index>...): the value, failing the test if it is absent.
function(json_get var json)
  string(JSON value ERROR_VARIABLE err GET "${json}" ${ARGN})
  if(err)
    message(FATAL_ERROR "JSON field ${ARGN}: ${err}\nin:\n${json}")
  endif()
  set(${var} "${value}" PARENT_SCOPE)
endfunction()

# expect_json(<json> <expected> <key or index>...): the field equals <expected> (as text).
function(expect_json json expected)
  json_get(value "${json}" ${ARGN})
  if(NOT "${value}" STREQUAL "${expected}")
    message(FATAL_ERROR "JSON field ${ARGN} is '${value}', expected '${expected}'\nin:\n${json}")
  endif()
endfunction()

# expect_json_type(<json> <TYPE> <key or index>...): NULL, NUMBER, STRING, BOOLEAN, ARRAY, OBJECT.
function(expect_json_type json type)
  string(JSON t ERROR_VARIABLE err TYPE "${json}" ${ARGN})
  if(err OR NOT t STREQUAL type)
    message(FATAL_ERROR "JSON field ${ARGN} has type '${t}' (${err}), expected ${type}\nin:\n${json}")
  endif()
endfunction()

# expect_one_json_object(<text>): stdout is exactly one JSON object (and nothing else).
function(expect_one_json_object text)
  string(STRIP "${text}" stripped)
  expect_match("${stripped}" "^{.*}$" "one JSON object on stdout")
  string(JSON t ERROR_VARIABLE err TYPE "${stripped}")
  if(err OR NOT t STREQUAL "OBJECT")
    message(FATAL_ERROR "stdout is not one JSON object: ${err}\n${text}")
  endif()
endfunction()

# expect_json_length(<json> <expected> <key or index>...): the array or object has that many entries.
function(expect_json_length json expected)
  string(JSON n ERROR_VARIABLE err LENGTH "${json}" ${ARGN})
  if(err OR NOT n EQUAL expected)
    message(FATAL_ERROR "JSON field ${ARGN} has length '${n}' (${err}), expected ${expected}\nin:\n${json}")
  endif()
endfunction()
