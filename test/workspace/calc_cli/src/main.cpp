#include <iostream>
#include "calc_headers/square.hpp"
#include "calc_plain/calc_plain.hpp"
int main() {
  std::cout << "answer=" << calc_core::answer()
            << " squared=" << calc_headers::squared_answer()
            << " doubled=" << calc_plain::doubled_answer() << std::endl;
  return 0;
}
