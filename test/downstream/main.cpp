#include <iostream>
#include "calc_core/calc_core.hpp"
#include "calc_plain/calc_plain.hpp"
int main() {
  std::cout << "downstream " << calc_core::answer() << " "
            << calc_plain::doubled_answer() << std::endl;
  return 0;
}
