// The test suite's audit of accepted subproblem solutions (KRELU_QP_AUDIT) is on and can fail.
#include <catch2/catch.hpp>
#include <krelu/qp/types.hpp>
#include <krelu/train/qp_audit.hpp>

namespace {
struct FakeSolver {
  krelu::qp::KktResiduals residuals;
  krelu::qp::KktResiduals kkt() const { return residuals; }
};
}  // namespace

TEST_CASE("the QP audit is compiled into the tests and rejects residuals above 1e-8") {
#ifndef KRELU_QP_AUDIT
  FAIL("the test suite must be built with KRELU_QP_AUDIT");
#endif
  FakeSolver good;
  good.residuals.stationarity = 1e-12;
  CHECK_NOTHROW(krelu::detail::audit_accepted(good));
  FakeSolver bad = good;
  bad.residuals.complementarity = 2e-8;
  CHECK_THROWS_WITH(krelu::detail::audit_accepted(bad), Catch::Contains("KKT residual"));
}
