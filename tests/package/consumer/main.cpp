// A user's program: computes a loss through the packaged headers and checks it.
#include <krelu/krelu.hpp>

#include <cmath>
#include <cstdio>

int main() {
  Eigen::MatrixXd X(2, 2);
  X << 1, 0, 0, 1;
  Eigen::VectorXd y(2);
  y << 1, 1;
  krelu::SampleSet<double> s(X, y);
  Eigen::MatrixXd W(1, 2);
  W << 1, 0;
  krelu::Network<double> net(W, Eigen::VectorXd::Ones(1));
  const double L = krelu::loss(net, s);  // residuals 0 and -1: loss 0.5
  std::printf("loss %.17g\n", L);
  return std::abs(L - 0.5) < 1e-15 ? 0 : 1;
}
