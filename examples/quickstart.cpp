// quickstart: build a sample set, evaluate a 2-ReLU on it and print its loss.
#include <krelu/krelu.hpp>

#include <iostream>

int main() {
  Eigen::MatrixXd X(4, 2);
  X << 1, 0, 0, 1, 1, 1, -1, 1;
  Eigen::Vector4d y(1, 0, 1, 0);
  krelu::SampleSet<double> samples(X, y);
  Eigen::MatrixXd W(2, 2);
  W << 1, 0, 0, -1;
  krelu::Network<double> net(W, Eigen::Vector2d(1, -1));
  std::cout << "loss " << krelu::loss(net, samples) << "\n";
}
