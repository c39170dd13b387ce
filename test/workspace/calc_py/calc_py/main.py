# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

from calc_py import ANSWER


def main():
    print(f'calc_py says {ANSWER}')
