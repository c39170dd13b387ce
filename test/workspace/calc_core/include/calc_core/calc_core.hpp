#pragma once
namespace calc_core { int answer(); }
