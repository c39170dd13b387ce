#include <cstdio>
int main() { std::puts("chain_c"); return 0; }
