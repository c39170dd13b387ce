#pragma once
#include <std_msgs/String.h>
namespace calc_catkin { std_msgs::String greeting(); }
