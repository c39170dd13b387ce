#include "calc_catkin/greeting.h"
namespace calc_catkin {
std_msgs::String greeting() { std_msgs::String m; m.data = "hello from catkin"; return m; }
}
