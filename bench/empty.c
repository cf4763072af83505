/* SPDX-License-Identifier: MIT */
/* The start-up floor of the load-latency bench: a process that only exits. */
int main(void)
{
	return 0;
}
