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
