#include <cstdio>
int main() { std::puts("other"); return 0; }
