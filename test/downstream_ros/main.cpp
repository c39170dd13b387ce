#include <iostream>
#include <cv_bridge/cv_bridge.h>
#include <sensor_msgs/image_encodings.h>
#include <urdf/model.h>
int main() {
  urdf::Model model;
  bool ok = model.initString(
    "<robot name='r'><link name='base'/></robot>");
  cv_bridge::CvImage image;
  image.encoding = sensor_msgs::image_encodings::RGB8;
  image.image = cv::Mat(2, 3, CV_8UC3);
  sensor_msgs::ImagePtr msg = image.toImageMsg();
  std::cout << "urdf " << ok << " " << model.getName() << " image "
            << msg->width << "x" << msg->height << " " << msg->encoding
            << std::endl;
  return ok ? 0 : 1;
}
