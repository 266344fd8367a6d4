namespace CowPages.Sources;

/// <summary>
/// The page categories of the <c>PAGEMAP_SCAN</c> ioctl (<c>PAGE_IS_*</c> in <c>include/uapi/linux/fs.h</c>, Linux 6.7+).
/// </summary>
public static class PageCategories
{
    public const ulong WriteProtectAllowed = 1UL << 0;
    /// <summary>Means something only in userfaultfd write-protect VMAs; elsewhere every present page has it.</summary>
    public const ulong Written = 1UL << 1;
    public const ulong File = 1UL << 2;
    public const ulong Present = 1UL << 3;
    /// <summary>Any non-present, non-empty entry: swap, migration and PTE markers (guard, uffd-wp).</summary>
    public const ulong Swapped = 1UL << 4;
    /// <summary>The zero page or the huge zero page: visible without privilege, unlike its PFN.</summary>
    public const ulong PfnZero = 1UL << 5;
    public const ulong Huge = 1UL << 6;
    public const ulong SoftDirty = 1UL << 7;
    /// <summary>A guard marker (Linux 6.15+).</summary>
    public const ulong Guard = 1UL << 8;
}

/// <summary>
/// What a scan asks for: a page is reported when it has every category of <see cref="Required"/> and at least one of
/// <see cref="AnyOf"/> (when not 0); <see cref="Returned"/> are the categories reported back per run.
/// </summary>
public readonly record struct PageScanQuery(ulong Required, ulong AnyOf, ulong Returned)
{
    /// <summary>Pages that are present or swapped: everything but holes and untouched pages.</summary>
    public static PageScanQuery NotEmpty => new(0, PageCategories.Present | PageCategories.Swapped,
        PageCategories.Present | PageCategories.Swapped);
}

/// <summary>One run the scan found: [Start, End) in bytes, and its categories.</summary>
public struct PageRegion
{
    public ulong Start;
    public ulong End;
    public ulong Categories;
}
