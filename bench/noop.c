/*
 * bench-noop: the trivial program whose exec the start-up scenario times,
 * with and without a preload library. Dynamically linked against libc
 * alone, like most programs a preload library is loaded into.
 */
int main(void)
{
	return 0;
}
