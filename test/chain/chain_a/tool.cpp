#include <cstdio>
int main() { std::puts("chain_a"); return 0; }
