using System.Runtime.InteropServices;
using Xunit;

namespace CowPages.Core.Tests;

internal static class Privileges
{
    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuid();

    internal static bool IsRoot => GetEuid() == 0;
}

/// <summary>A test that needs root (the kpage* files, PFNs): reported as skipped, not passed, without it.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Privileges.IsRoot)
        {
            Skip = "needs root: the kpage* files are readable only with CAP_SYS_ADMIN";
        }
    }
}

/// <summary>A test of what an unprivileged reader sees: reported as skipped when the suite runs as root.</summary>
public sealed class NonRootFactAttribute : FactAttribute
{
    public NonRootFactAttribute()
    {
        if (Privileges.IsRoot)
        {
            Skip = "checks the unprivileged path; as root it is covered by the Pester tests that drop privileges";
        }
    }
}
