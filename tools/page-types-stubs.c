/*
 * Stands in for the one function of the kernel's tools/lib/api that page-types.c calls: debugfs__mount(), used only
 * by -X and -x (hwpoison injection), which CowPages never runs. Linked by tools/PageTypes.ps1.
 */
#include <stddef.h>

const char *debugfs__mount(void);

const char *debugfs__mount(void)
{
    return NULL;
}
