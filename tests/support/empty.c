/* keeps the support library non-empty */
typedef int wx_test_support_unused;
