// SPDX-License-Identifier: GPL-2.0
/*
 * pktsend: the benchmark's packet source. It sends the same small IPv4/UDP
 * packet, as fast as the device takes it, into one network device through
 * an AF_PACKET transmit ring (TPACKET_V2, PACKET_QDISC_BYPASS), until it is
 * told to stop (SIGTERM, SIGINT) or -t seconds have passed.
 *
 * Why not pktgen alone: pktgen refuses every device that is not Ethernet
 * or loopback (pktgen_setup_dev: "not an ethernet or loopback device"),
 * and a pcx device is an L3 device (ARPHRD_NONE). A transmit ring is the
 * closest thing to pktgen that works on any device: one sendto() hands the
 * kernel a ring of prepared frames, and the kernel builds one skb per frame
 * and calls the driver's ndo_start_xmit directly (dev_direct_xmit), so the
 * cost per packet is the kernel's, not a system call's.
 *
 * That ring costs a page per packet, though: the kernel builds each skb
 * around the ring's page, and a packet that crosses into another
 * namespace has its page copied to a freshly allocated one
 * (skb_copy_ubufs), which Debian's kernels clear (init_on_alloc): 13% of
 * the guest's time went to clear_page in a profile. -c sends with
 * sendmmsg() instead, 64 packets a call, each copied into a linear skb
 * (packet_snd): less per packet, and the same for every device, so that
 * what differs between devices stands out. The benchmark uses -c.
 *
 * The socket is SOCK_DGRAM: the kernel adds the link-layer header the
 * device wants (Ethernet for veth and netkit, with -m as its destination;
 * none for pcx), so every device carries the same IP packet. It is opened
 * with protocol 0, so it never receives anything itself.
 *
 *   pktsend -i DEV -s SRC -d DST [-m DSTMAC] [-l IPLEN] [-t SECS] [-c]
 *
 * On exit it prints "sent N packets in S s: R pps" (what the device
 * accepted; the receiver counts what arrived).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define FRAME_SIZE	256
#define BLOCK_SIZE	(64 * 1024)
#define BLOCKS		8
#define FRAMES		(BLOCK_SIZE / FRAME_SIZE * BLOCKS)
/* TPACKET_V2 without PACKET_TX_HAS_OFF: the data follows the header. */
#define DATA_OFF	(TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))
#define BATCH		64	/* -c: packets a sendmmsg() */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint16_t csum(const void *p, size_t len)
{
	const uint16_t *w = p;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *w++;
	if (len)
		sum += *(const uint8_t *)w;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: pktsend -i DEV -s SRC -d DST [-m DSTMAC] [-l IPLEN] [-t SECS] [-c]\n");
	exit(2);
}

/* An IPv4/UDP packet of @len bytes from @src to @dst, port 9 to 9. */
static void build_packet(uint8_t *buf, size_t len, struct in_addr src,
			 struct in_addr dst)
{
	struct iphdr *ip = (struct iphdr *)buf;
	struct udphdr *udp = (struct udphdr *)(ip + 1);

	memset(buf, 0, len);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(len);
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = src.s_addr;
	ip->daddr = dst.s_addr;
	ip->check = csum(ip, sizeof(*ip));
	udp->source = htons(9);
	udp->dest = htons(9);
	udp->len = htons(len - sizeof(*ip));
	udp->check = 0;	/* none: valid for IPv4 */
}

int main(int argc, char *argv[])
{
	const char *ifname = NULL, *mac = NULL;
	struct in_addr src = { 0 }, dst = { 0 };
	struct tpacket_req req = {
		.tp_block_size = BLOCK_SIZE, .tp_block_nr = BLOCKS,
		.tp_frame_size = FRAME_SIZE, .tp_frame_nr = FRAMES,
	};
	struct sockaddr_ll to = { .sll_family = AF_PACKET };
	unsigned long long sent = 0, failed = 0;
	int fd, opt, one = 1, ver = TPACKET_V2;
	double secs = 0, t0, t1;
	size_t len = 46;	/* a 64-byte Ethernet frame with its FCS */
	uint8_t pkt[FRAME_SIZE];
	unsigned int i;
	uint8_t *ring = NULL;
	bool copy = false;

	while ((opt = getopt(argc, argv, "i:s:d:m:l:t:c")) != -1) {
		switch (opt) {
		case 'i': ifname = optarg; break;
		case 's': if (inet_pton(AF_INET, optarg, &src) != 1) usage(); break;
		case 'd': if (inet_pton(AF_INET, optarg, &dst) != 1) usage(); break;
		case 'm': mac = optarg; break;
		case 'l': len = strtoul(optarg, NULL, 0); break;
		case 't': secs = strtod(optarg, NULL); break;
		case 'c': copy = true; break;
		default: usage();
		}
	}
	if (!ifname || !src.s_addr || !dst.s_addr || optind != argc)
		usage();
	if (len < sizeof(struct iphdr) + sizeof(struct udphdr) ||
	    len > FRAME_SIZE - DATA_OFF) {
		fprintf(stderr, "pktsend: -l %zu: an IP packet of 28 to %zu bytes\n",
			len, (size_t)(FRAME_SIZE - DATA_OFF));
		return 2;
	}

	to.sll_ifindex = if_nametoindex(ifname);
	if (!to.sll_ifindex) {
		fprintf(stderr, "pktsend: no device %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	to.sll_protocol = htons(ETH_P_IP);
	if (mac) {
		unsigned int b[6];

		if (sscanf(mac, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3],
			   &b[4], &b[5]) != 6) {
			fprintf(stderr, "pktsend: -m %s: not a MAC address\n", mac);
			return 2;
		}
		for (i = 0; i < 6; i++)
			to.sll_addr[i] = b[i];
		to.sll_halen = 6;
	}

	fd = socket(AF_PACKET, SOCK_DGRAM, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) ||
	    (!copy &&
	     (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &ver, sizeof(ver)) ||
	      setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req))))) {
		fprintf(stderr, "pktsend: packet socket: %s\n", strerror(errno));
		return 1;
	}
	build_packet(pkt, len, src, dst);
	if (!copy) {
		ring = mmap(NULL, (size_t)BLOCK_SIZE * BLOCKS, PROT_READ | PROT_WRITE,
			    MAP_SHARED, fd, 0);
		if (ring == MAP_FAILED) {
			fprintf(stderr, "pktsend: mmap of the ring: %s\n", strerror(errno));
			return 1;
		}
		for (i = 0; i < FRAMES; i++)
			memcpy(ring + (size_t)i * FRAME_SIZE + DATA_OFF, pkt, len);
	}

	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	t0 = now();
	t1 = t0;
	while (!stop && copy && (!secs || t1 - t0 < secs)) {
		struct iovec iov = { .iov_base = pkt, .iov_len = len };
		struct mmsghdr m[BATCH];
		int n;

		for (i = 0; i < BATCH; i++)
			m[i] = (struct mmsghdr){ .msg_hdr = {
				.msg_name = &to, .msg_namelen = sizeof(to),
				.msg_iov = &iov, .msg_iovlen = 1 } };
		n = sendmmsg(fd, m, BATCH, 0);
		if (n > 0) {
			sent += n;
		} else if (errno == ENOBUFS || errno == EAGAIN) {
			poll(NULL, 0, 1);
		} else if (errno != EINTR) {
			fprintf(stderr, "pktsend: sendmmsg %s: %s\n", ifname,
				strerror(errno));
			return 1;
		}
		t1 = now();
	}
	while (!stop && !copy && (!secs || t1 - t0 < secs)) {
		unsigned int queued = 0;

		for (i = 0; i < FRAMES; i++) {
			struct tpacket2_hdr *h = (void *)(ring + (size_t)i * FRAME_SIZE);

			/* Released frames come back AVAILABLE, or WRONG_FORMAT. */
			if (h->tp_status & TP_STATUS_WRONG_FORMAT)
				failed++;
			else if (h->tp_status != TP_STATUS_AVAILABLE)
				continue;
			h->tp_len = len;
			__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST,
					 __ATOMIC_RELEASE);
			queued++;
		}
		/* Blocks until the kernel has sent every queued frame. */
		if (sendto(fd, NULL, 0, 0, (struct sockaddr *)&to, sizeof(to)) < 0 &&
		    errno != EINTR) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				poll(NULL, 0, 1);
			} else {
				fprintf(stderr, "pktsend: sendto %s: %s\n", ifname,
					strerror(errno));
				return 1;
			}
		}
		sent += queued;
		t1 = now();
	}
	/* Frames still queued at a stop were counted; they were sent too. */
	printf("sent %llu packets in %.3f s: %.0f pps%s\n", sent - failed, t1 - t0,
	       (sent - failed) / (t1 - t0), failed ? " (some frames refused)" : "");
	return 0;
}
