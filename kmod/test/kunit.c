// SPDX-License-Identifier: GPL-2.0
/*
 * vpcpeer_kunit.ko: the unit tests of the module's portable core as KUnit
 * suites, for kernels built with CONFIG_KUNIT (the debug kernel). The code
 * under test is included here, not linked from vpcpeer.ko, so that this
 * module runs it against the kernel's own headers and allocator, under
 * its KASAN, lockdep and kmemleak, without exporting anything from
 * vpcpeer.ko or clashing with it. The test sources are the ones the host
 * runs under cmocka (tests/unit/), written against vtest.h.
 *
 * Loading the module runs the suites (kunit.enable=1, or
 * CONFIG_KUNIT_DEFAULT_ENABLED=y); results go to the kernel log as KTAP
 * and, with CONFIG_KUNIT_DEBUGFS, to /sys/kernel/debug/kunit/<suite>/.
 */

#include <linux/module.h>

#include "vtest.h"

#include "../lpm.c"
#include "../pcx_fsm.c"
#include "../xproto.c"

#include "lpm_test.c"
#include "pcx_fsm_test.c"
#include "xproto_test.c"

kunit_test_suites(&vpcpeer_lpm_suite, &vpcpeer_pcx_fsm_suite,
		  &vpcpeer_xproto_suite);

MODULE_DESCRIPTION("vpcpeer: KUnit tests of the CIDR trie, the peering state machine and the inter-region codec");
MODULE_LICENSE("GPL");
