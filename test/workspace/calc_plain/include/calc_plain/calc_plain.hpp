#pragma once
namespace calc_plain { int doubled_answer(); }
