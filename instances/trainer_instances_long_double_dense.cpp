#define KRELU_DEFINING_TRAINER_INSTANCES
#include "trainer_instances.hpp"

KRELU_TRAINER_INSTANCES(, long double, krelu::Dense)
