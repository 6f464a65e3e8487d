#!/bin/sh
# Coverage is not collected offline; cc_test only needs these labels.
exit 0
