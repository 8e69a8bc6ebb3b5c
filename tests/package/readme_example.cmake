# Extracts the first ```cpp block of README.md into a program (the #include lines at file scope,
# the rest inside main) so the README's usage example is compiled and run by the test suite.
file(READ ${README} text)
string(FIND "${text}" "```cpp" begin)
string(SUBSTRING "${text}" ${begin} -1 text)
string(FIND "${text}" "\n```\n" end)
math(EXPR length "${end} - 7")
string(SUBSTRING "${text}" 7 ${length} block)
string(REGEX MATCHALL "#include[^\n]*" includes "${block}")
string(REGEX REPLACE "#include[^\n]*" "" body "${block}")
string(REPLACE ";" "\n" includes "${includes}")
file(WRITE ${OUTPUT} "${includes}\n#include <cstdio>\nint main() {\n${body}\n  std::printf(\"loss %g lower bound %g\\n\", L, r.lower_bound);\n  return r.status == krelu::Status::optimal && back == cover ? 0 : 1;\n}\n")
