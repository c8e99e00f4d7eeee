// SPDX-License-Identifier: GPL-2.0
/*
 * tools/vm/tsc-khz: the host's TSC rate in kHz, for tools/vm/run.
 *
 * Under TCG (without -icount) a guest's TSC is the host's: QEMU returns
 * the host's rdtsc. A guest calibrates it at boot against the emulated
 * PIT in a short loop of its own instructions; when the host is busy and
 * the vCPU thread is descheduled in that loop, the result is wildly off
 * (a 6.12 guest once found 92 MHz for a 2,096 MHz TSC, "PIT calibration
 * deviates from HPET", and its clock then ran 22 times too fast: soft
 * lockups, timeouts, tests failing on time). Giving the guest this rate
 * (tsc_early_khz=) skips that calibration.
 *
 * Measured against CLOCK_MONOTONIC_RAW over 5 windows of 20 ms, each
 * bracketed tightly; the median is printed. Being preempted inside a
 * window moves both clocks alike, so a busy host does not bias it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

static uint64_t ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC_RAW, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(void)
{
	const struct timespec window = { 0, 20 * 1000 * 1000 };
	double khz[5];
	int i;

	for (i = 0; i < 5; i++) {
		uint64_t t0 = ns(), c0 = __rdtsc(), t1, c1;

		nanosleep(&window, NULL);
		c1 = __rdtsc();
		t1 = ns();
		if (t1 <= t0 || c1 <= c0)
			return 1;
		khz[i] = (double)(c1 - c0) * 1e6 / (double)(t1 - t0);
	}
	qsort(khz, 5, sizeof(khz[0]), cmp);
	if (khz[2] < 1000 || khz[2] > 100000000)	/* 1 MHz .. 100 GHz */
		return 1;
	printf("%.0f\n", khz[2]);
	return 0;
}
