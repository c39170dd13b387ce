#pragma once
#include "calc_core/calc_core.hpp"
namespace calc_headers {
template<typename T> T square(T value) { return value * value; }
inline int squared_answer() { return square(calc_core::answer()); }
}
