#pragma once
/// \file
/// An audit of every convex subproblem solution the trainers accept, switched on by defining
/// KRELU_QP_AUDIT (the test suite does), so that the guarantee "every accepted QP is a KKT point to
/// 1e-8" is checked on every solve the tests make, not only on the solver's own tests.

#include <stdexcept>
#include <string>

namespace krelu::detail {

/// With KRELU_QP_AUDIT defined (the test suite defines it), every accepted subproblem solution is
/// re-checked: its KKT residuals (qp::KktResiduals) must be at most 1e-8, or the solve throws
/// std::logic_error. The solver's own acceptance threshold is tighter; the audit makes sure no code path
/// ever relaxes it.
template <class Residuals>
void audit_residuals(const Residuals& residuals) {
#ifdef KRELU_QP_AUDIT
  const double worst = residuals.max();
  if (!(worst <= 1e-8))
    throw std::logic_error("QP audit: an accepted subproblem solution has KKT residual " + std::to_string(worst) +
                           " > 1e-8");
#else
  (void)residuals;
#endif
}

/// audit_residuals of a solver's solution.
template <class Solver>
void audit_accepted(const Solver& solver) {
#ifdef KRELU_QP_AUDIT
  audit_residuals(solver.kkt());
#else
  (void)solver;
#endif
}

}  // namespace krelu::detail
