using System;
using System.Globalization;
using System.IO;

namespace CowPages.Sources.Live;

/// <summary>What the current process may see. The kernel hides PFNs and swap slots from pagemap readers
/// without CAP_SYS_ADMIN (since 4.2) and keeps the kpage* files root-only.</summary>
internal static class Privilege
{
    private const int CapSysAdmin = 21;

    private static readonly Lazy<bool> s_hasSysAdmin = new(ReadCapSysAdmin);

    /// <summary>
    /// True when this process holds CAP_SYS_ADMIN. Inside a user namespace that is not the initial one the
    /// kernel still hides PFNs; the walkers also notice that from the data (a present page with PFN 0).
    /// </summary>
    public static bool HasSysAdmin => s_hasSysAdmin.Value;

    private static bool ReadCapSysAdmin()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("CapEff:", StringComparison.Ordinal)
                && ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong caps))
            {
                return (caps & (1UL << CapSysAdmin)) != 0;
            }
        }
        return false;
    }
}
