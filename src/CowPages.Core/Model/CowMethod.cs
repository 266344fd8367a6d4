namespace CowPages;

/// <summary>Which evidence a copy-on-write result rests on.</summary>
public enum CowMethod
{
    /// <summary>
    /// Exact: physical frame numbers were compared, and map counts and flags came from /proc/kpagecount and
    /// /proc/kpageflags. Needs CAP_SYS_ADMIN.
    /// </summary>
    Pfn,
    /// <summary>
    /// Approximate: only the pagemap flags were available (no root). An exclusive page (PM_MMAP_EXCLUSIVE) is
    /// certainly private; a non-exclusive one may still be shared with this process's relative, or with some other
    /// process entirely. Zero pages cannot be told from shared pages.
    /// </summary>
    ExclusiveBit,
}
