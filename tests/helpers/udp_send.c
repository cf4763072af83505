/* SPDX-License-Identifier: MIT */
/*
 * udp_send PORT COUNT SIZE: send COUNT UDP datagrams of SIZE bytes to
 * 127.0.0.1:PORT and receive each on a socket bound there (PORT 0: any free
 * port). Prints our pid, then waits for a line on stdin before sending, so
 * a test can start a tracer with -p PID first. Ends printing
 * "sent N received M".
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	socklen_t alen = sizeof(addr);
	struct timeval tv = { 5, 0 };
	char line[64], *buf;
	long port, count, size, sent = 0, received = 0;
	int rx, tx;

	if (argc != 4)
		return fprintf(stderr, "usage: udp_send PORT COUNT SIZE\n"), 2;
	port = atol(argv[1]);
	count = atol(argv[2]);
	size = atol(argv[3]);
	if (port < 0 || port > 65535 || count < 0 || size < 1 || size > 65000)
		return fprintf(stderr, "udp_send: bad PORT, COUNT or SIZE\n"), 2;
	buf = calloc(1, (size_t)size);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (!buf || rx < 0 || tx < 0)
		return perror("udp_send: socket"), 1;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((unsigned short)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(rx, (struct sockaddr *)&addr, sizeof(addr)) ||
	    getsockname(rx, (struct sockaddr *)&addr, &alen))
		return perror("udp_send: bind"), 1;
	/* Never hang a test: a datagram that does not come is counted missing. */
	setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	printf("%d\n", (int)getpid());
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return fprintf(stderr, "udp_send: no start line on stdin\n"), 1;

	memset(buf, 'x', (size_t)size);
	/* One at a time: the receive buffer never fills, nothing is dropped. */
	for (long i = 0; i < count; i++) {
		if (sendto(tx, buf, (size_t)size, 0, (struct sockaddr *)&addr, sizeof(addr)) != size)
			return perror("udp_send: sendto"), 1;
		sent++;
		if (recv(rx, buf, (size_t)size, 0) == size)
			received++;
	}
	printf("sent %ld received %ld\n", sent, received);
	free(buf);
	close(tx);
	close(rx);
	return received == count ? 0 : 1;
}
