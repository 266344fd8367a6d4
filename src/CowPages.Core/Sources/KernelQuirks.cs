using System;

namespace CowPages.Sources;

/// <summary>
/// Things a kernel reports wrongly, found by probing what it does rather than by its version. Each is documented in
/// about_CowPages with the kernels it was seen on and what CowPages does about it.
/// </summary>
[Flags]
public enum KernelQuirks
{
    None = 0,

    /// <summary>
    /// <c>/proc/kpageflags</c> sets KPF_KSM on every anonymous page, merged or not (seen on Debian's 6.12.117; see
    /// docs/kernel-notes.md). Found by writing a private page of our own, which KSM cannot have merged, and reading
    /// its flags.
    /// </summary>
    KsmFlagOnAnonymousPages = 1,
}
