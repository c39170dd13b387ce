#include "calc_plain/calc_plain.hpp"
#include "calc_core/calc_core.hpp"
namespace calc_plain { int doubled_answer() { return 2 * calc_core::answer(); } }
