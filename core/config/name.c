#include "name.h"

int kashim_name_is(const char *name, size_t length, const char *word)
{
	size_t i;

	for (i = 0; i < length; i++) {
		if (word[i] == '\0' || word[i] != name[i])
			return 0;
	}
	return word[length] == '\0';
}

int kashim_name_ends_with(const char *name, size_t length, const char *suffix)
{
	size_t n = 0;

	while (suffix[n] != '\0')
		n++;
	return length > n && kashim_name_is(name + length - n, n, suffix);
}
