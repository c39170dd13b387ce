#include <cstdio>
int main() { std::puts("chain_b"); return 0; }
