// krelu: exact training of depth-2 ReLU networks and the hardness reductions of Goel, Klivans,
// Manurangsi, Reichman, "Tight Hardness Results for Training Depth-2 ReLU Networks", from the
// command line. See docs/cli.md.
//
// Exit codes: 0 success, 1 internal error, 2 bad input (files, options), 3 a claim that
// `krelu verify` checked does not hold. Errors are one line on stderr, "krelu: error: ...".

#include <exception>
#include <iostream>
#include <new>

#include "common.hpp"
#include "krelu/io/parse_error.hpp"

#ifndef KRELU_VERSION
#error "KRELU_VERSION must be defined by the build (the CMake project version)"
#endif

int main(int argc, char** argv) {
  using namespace krelu::cli;
  CLI::App app{"krelu " KRELU_VERSION
               ": exact training of depth-2 ReLU networks f(x) = sum_j a_j max(0, <w_j, x>) with a certificate, "
               "and provably hard training instances (Goel, Klivans, Manurangsi, Reichman)",
               "krelu"};
  app.set_version_flag("--version", "krelu " KRELU_VERSION);
  app.require_subcommand(1);
  app.footer("Exit codes: 0 success, 1 internal error, 2 bad input, 3 a verified claim does not hold.\n"
             "Run 'krelu COMMAND --help' for the options of one command.");
  Runner run;
  add_train_command(app, run);
  add_local_command(app, run);
  add_eval_command(app, run);
  add_reduce_command(app, run);
  add_decode_command(app, run);
  add_verify_command(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "krelu: error: " << e.what() << " (see 'krelu --help')\n";
    return exit_bad_input;
  } catch (const std::exception& e) {  // an option's own check (e.g. --signs) threw
    std::cerr << "krelu: error: " << e.what() << '\n';
    return exit_bad_input;
  }
  try {
    return run ? run() : exit_internal;
  } catch (const krelu::ParseError& e) {  // what() is already "FILE:LINE:COL: message"
    std::cerr << "krelu: error: " << e.what() << '\n';
  } catch (const InputError& e) {
    std::cerr << "krelu: error: " << e.what() << '\n';
  } catch (const std::invalid_argument& e) {  // the library's checks of sizes, options and instances
    std::cerr << "krelu: error: " << e.what() << '\n';
  } catch (const std::runtime_error& e) {  // files that cannot be opened or written
    std::cerr << "krelu: error: " << e.what() << '\n';
  } catch (const std::bad_alloc&) {
    std::cerr << "krelu: internal error: out of memory\n";
    return exit_internal;
  } catch (const std::exception& e) {
    std::cerr << "krelu: internal error: " << e.what() << '\n';
    return exit_internal;
  } catch (...) {
    std::cerr << "krelu: internal error: unknown exception\n";
    return exit_internal;
  }
  return exit_bad_input;
}
