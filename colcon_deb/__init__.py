# Copyright 2026 colcon-deb developers
# Licensed under the Apache License, Version 2.0

__version__ = '0.1.0'
