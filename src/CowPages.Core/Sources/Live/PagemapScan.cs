using System;
using System.Runtime.InteropServices;

namespace CowPages.Sources.Live;

/// <summary>
/// The <c>PAGEMAP_SCAN</c> ioctl on <c>/proc/PID/pagemap</c> (Linux 6.7+): the kernel walks the page tables and returns
/// only the address ranges whose pages fall in the asked-for categories, so that a walker can skip the empty parts of a
/// sparse address space without reading a word for each of their pages. Layouts from <c>include/uapi/linux/fs.h</c>.
/// It gives no PFNs and no exclusive bit: the walker still reads the pagemap words of the ranges it returns.
/// </summary>
internal static unsafe class PagemapScan
{
    /// <summary>_IOWR('f', 16, struct pm_scan_arg), with sizeof(struct pm_scan_arg) = 96.</summary>
    internal const ulong Request = 0xC0606610;

    [StructLayout(LayoutKind.Sequential)]
    private struct ScanArg
    {
        public ulong Size;
        public ulong Flags;
        public ulong Start;
        public ulong End;
        public ulong WalkEnd;
        public ulong Vec;
        public ulong VecLength;
        public ulong MaxPages;
        public ulong CategoryInverted;
        public ulong CategoryMask;
        public ulong CategoryAnyOfMask;
        public ulong ReturnMask;
    }

    /// <summary>
    /// Runs one scan of [<paramref name="start"/>, <paramref name="end"/>) (page-aligned addresses) into
    /// <paramref name="regions"/> (laid out as struct page_region). Returns how many runs were written, and in
    /// <paramref name="walkEnd"/> the address where the kernel stopped; -1 when this kernel has no PAGEMAP_SCAN (ENOTTY
    /// before 6.7; EINVAL for a category it does not know).
    /// </summary>
    /// <exception cref="ProcfsException">The ioctl failed otherwise; a process that has exited gives ProcessExited.</exception>
    internal static int Scan(ProcfsFile pagemap, ulong start, ulong end, PageScanQuery query, ulong maxPages, Span<PageRegion> regions, out ulong walkEnd)
    {
        fixed (PageRegion* vec = regions)
        {
            var arg = new ScanArg
            {
                Size = (ulong)sizeof(ScanArg),
                Start = start,
                End = end,
                Vec = (ulong)vec,
                VecLength = (ulong)regions.Length,
                MaxPages = maxPages,
                CategoryMask = query.Required,
                CategoryAnyOfMask = query.AnyOf,
                ReturnMask = query.Returned,
            };
            try
            {
                int count = pagemap.Ioctl(Request, &arg, "scan (PAGEMAP_SCAN)");
                walkEnd = arg.WalkEnd;
                return count;
            }
            catch (ProcfsException e) when (e.Errno is LibC.ENOTTY or LibC.EINVAL or LibC.EOPNOTSUPP)
            {
                walkEnd = start;
                return -1;
            }
            catch (ProcfsException e) when (e.Errno is LibC.ESRCH && pagemap.ProcessId is int pid)
            {
                throw ProcfsException.ProcessExited(pid, pagemap.Path);
            }
        }
    }
}
