namespace CowPages;

/// <summary>
/// The page size and the top of user space, in one place. CowPages reads x86_64 and other 4 KiB-page kernels: a
/// source whose pages differ (a live kernel or a snapshot) says so when it is opened, rather than every count being
/// silently scaled wrong.
/// </summary>
public static class PageGeometry
{
    public const int PageShift = 12;

    public const ulong PageSize = 1UL << PageShift;

    /// <summary>
    /// Addresses from here up belong to the kernel (<c>[vsyscall]</c>); pagemap does not describe them, so walks and
    /// comparisons stop here.
    /// </summary>
    public const ulong KernelHalf = 1UL << 63;

    /// <summary>The virtual page number of <paramref name="address"/>.</summary>
    public static ulong PageOf(ulong address) => address >> PageShift;

    /// <summary>The first address of virtual page <paramref name="page"/>.</summary>
    public static ulong AddressOf(ulong page) => page << PageShift;

    /// <summary>Bytes in <paramref name="pages"/> pages.</summary>
    public static ulong Bytes(ulong pages) => pages << PageShift;
}
