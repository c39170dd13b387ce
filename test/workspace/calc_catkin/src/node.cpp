#include <iostream>
#include <ros/serialization.h>
#include "calc_catkin/greeting.h"
int main() {
  std_msgs::String m = calc_catkin::greeting();
  std::cout << m.data << " (" << ros::serialization::serializationLength(m)
            << " bytes serialized)" << std::endl;
  return 0;
}
