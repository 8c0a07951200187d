#include <stdio.h>

#include "wxflow/wxflow.h"

int main(void) {
  printf("wxflow %s\n", wx_version());
  return 0;
}
