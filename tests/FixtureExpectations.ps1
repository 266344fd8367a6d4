# The exact page counts tests/fixtures/pagefamily.c produces, region by region, for each process of the family.
# Why each number holds is explained in the fixture's header; the THP region's exclusive count is left out
# because it depends on whether the kernel could allocate a huge page (see Compare-ForkPages tests).
# Where a count depends on the kernel, it comes from what tests/KernelFacts.ps1 probed on the running one.
. (Join-Path $PSScriptRoot 'KernelFacts.ps1')
$script:KernelFacts = Get-KernelFacts

# The readonly region's pages 1-7 were only read: with a zero page they all map it (present, never exclusive, not
# counted in Rss, Zero by PFN); without one (pvm_no_zero_page=1) they are real pages the whole family shares.
$script:ZeroPages = if ($KernelFacts.ZeroPage) { 7 } else { 0 }

$script:FamilyExpectations = @(
    @{ Role = 'Parent';     Region = 'anon';      Present = 64;  Exclusive = 12; File = 0; Anon = 64 }
    @{ Role = 'Parent';     Region = 'file';      Present = 3;   Exclusive = 0;  File = 1; Anon = 2 }
    @{ Role = 'Parent';     Region = 'shared';    Present = 8;   Exclusive = 0;  File = 8; Anon = 0 }
    @{ Role = 'Parent';     Region = 'untouched'; Present = 0;   Exclusive = 0;  File = 0; Anon = 0 }
    @{ Role = 'Parent';     Region = 'guard';     Present = 1;   Exclusive = 0;  File = 0; Anon = 1 }
    @{ Role = 'Parent';     Region = 'swapme';    Present = 16;  Exclusive = 16; File = 0; Anon = 16 }
    @{ Role = 'Parent';     Region = 'thp';       Present = 512; Exclusive = $null; File = 0; Anon = 512 }
    @{ Role = 'Parent';     Region = 'readonly';  Present = 8;   Exclusive = 0;  File = 0; Anon = 8 }
    @{ Role = 'Child';      Region = 'anon';      Present = 64;  Exclusive = 0;  File = 0; Anon = 64 }
    @{ Role = 'Child';      Region = 'file';      Present = 4;   Exclusive = 0;  File = 1; Anon = 3 }
    @{ Role = 'Child';      Region = 'shared';    Present = 8;   Exclusive = 0;  File = 8; Anon = 0 }
    @{ Role = 'Child';      Region = 'untouched'; Present = 0;   Exclusive = 0;  File = 0; Anon = 0 }
    @{ Role = 'Child';      Region = 'guard';     Present = 1;   Exclusive = 0;  File = 0; Anon = 1 }
    @{ Role = 'Child';      Region = 'swapme';    Present = 0;   Exclusive = 0;  File = 0; Anon = 0 }
    @{ Role = 'Child';      Region = 'thp';       Present = 512; Exclusive = $null; File = 0; Anon = 512 }
    @{ Role = 'Child';      Region = 'readonly';  Present = 8;   Exclusive = 0;  File = 0; Anon = 8 }
    @{ Role = 'Grandchild'; Region = 'anon';      Present = 64;  Exclusive = 4;  File = 0; Anon = 64 }
    @{ Role = 'Grandchild'; Region = 'file';      Present = 4;   Exclusive = 0;  File = 1; Anon = 3 }
    @{ Role = 'Grandchild'; Region = 'shared';    Present = 0;   Exclusive = 0;  File = 0; Anon = 0 }
    @{ Role = 'Grandchild'; Region = 'untouched'; Present = 0;   Exclusive = 0;  File = 0; Anon = 0 }
    @{ Role = 'Grandchild'; Region = 'guard';     Present = 1;   Exclusive = 0;  File = 0; Anon = 1 }
    @{ Role = 'Grandchild'; Region = 'swapme';    Present = 0;   Exclusive = 0;  File = 0; Anon = 0 }
    @{ Role = 'Grandchild'; Region = 'thp';       Present = 512; Exclusive = $null; File = 0; Anon = 512 }
    @{ Role = 'Grandchild'; Region = 'readonly';  Present = 8;   Exclusive = 0;  File = 0; Anon = 8 }
)

function Measure-RegionPages {
    # Counts a region's pages the way the expectations table does.
    param([object[]]$Pages)
    $present = @($Pages | Where-Object Present)
    [pscustomobject]@{
        Present   = $present.Count
        Exclusive = @($present | Where-Object Exclusive).Count
        File      = @($present | Where-Object FileOrSharedAnon).Count
        Anon      = @($present | Where-Object { -not $_.FileOrSharedAnon }).Count
        Guard     = @($Pages | Where-Object Guard).Count
    }
}

# Compare-ForkPages, by PFN (root), for each pair of the family and each region. The THP row shows that the child's
# 4 KiB write into a shared huge page copied exactly one 4 KiB page.
$script:ForkExpectations = @(
    @{ Reference = 'Parent'; Difference = 'Child';      Region = 'anon';      Shared = 52;               Copied = 12; ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 0;  Zero = 0 }
    @{ Reference = 'Parent'; Difference = 'Child';      Region = 'file';      Shared = 3;                Copied = 0;  ReferenceOnly = 0;  DifferenceOnly = 1; NotPresent = 0;  Zero = 0 }
    @{ Reference = 'Parent'; Difference = 'Child';      Region = 'shared';    Shared = 8;                Copied = 0;  ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 0;  Zero = 0 }
    @{ Reference = 'Parent'; Difference = 'Child';      Region = 'untouched'; Shared = 0;                Copied = 0;  ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 16; Zero = 0 }
    @{ Reference = 'Parent'; Difference = 'Child';      Region = 'thp';       Shared = 511;              Copied = 1;  ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 0;  Zero = 0 }
    @{ Reference = 'Parent'; Difference = 'Child';      Region = 'guard';     Shared = 1;                Copied = 0;  ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 3;  Zero = 0 }
    @{ Reference = 'Parent'; Difference = 'Child';      Region = 'swapme';    Shared = 0;                Copied = 0;  ReferenceOnly = 16; DifferenceOnly = 0; NotPresent = 0;  Zero = 0 }
    @{ Reference = 'Parent'; Difference = 'Child';      Region = 'readonly';  Shared = (8 - $ZeroPages); Copied = 0;  ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 0;  Zero = $ZeroPages }
    @{ Reference = 'Parent'; Difference = 'Grandchild'; Region = 'anon';      Shared = 48;               Copied = 16; ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 0;  Zero = 0 }
    @{ Reference = 'Parent'; Difference = 'Grandchild'; Region = 'file';      Shared = 3;                Copied = 0;  ReferenceOnly = 0;  DifferenceOnly = 1; NotPresent = 0;  Zero = 0 }
    @{ Reference = 'Parent'; Difference = 'Grandchild'; Region = 'shared';    Shared = 0;                Copied = 0;  ReferenceOnly = 8;  DifferenceOnly = 0; NotPresent = 0;  Zero = 0 }
    @{ Reference = 'Parent'; Difference = 'Grandchild'; Region = 'untouched'; Shared = 0;                Copied = 0;  ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 16; Zero = 0 }
    @{ Reference = 'Parent'; Difference = 'Grandchild'; Region = 'thp';       Shared = 511;              Copied = 1;  ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 0;  Zero = 0 }
    @{ Reference = 'Parent'; Difference = 'Grandchild'; Region = 'guard';     Shared = 1;                Copied = 0;  ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 3;  Zero = 0 }
    @{ Reference = 'Parent'; Difference = 'Grandchild'; Region = 'swapme';    Shared = 0;                Copied = 0;  ReferenceOnly = 16; DifferenceOnly = 0; NotPresent = 0;  Zero = 0 }
    @{ Reference = 'Parent'; Difference = 'Grandchild'; Region = 'readonly';  Shared = (8 - $ZeroPages); Copied = 0;  ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 0;  Zero = $ZeroPages }
    @{ Reference = 'Child';  Difference = 'Grandchild'; Region = 'anon';      Shared = 60;               Copied = 4;  ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 0;  Zero = 0 }
    @{ Reference = 'Child';  Difference = 'Grandchild'; Region = 'file';      Shared = 4;                Copied = 0;  ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 0;  Zero = 0 }
    @{ Reference = 'Child';  Difference = 'Grandchild'; Region = 'shared';    Shared = 0;                Copied = 0;  ReferenceOnly = 8;  DifferenceOnly = 0; NotPresent = 0;  Zero = 0 }
    @{ Reference = 'Child';  Difference = 'Grandchild'; Region = 'untouched'; Shared = 0;                Copied = 0;  ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 16; Zero = 0 }
    @{ Reference = 'Child';  Difference = 'Grandchild'; Region = 'thp';       Shared = 512;              Copied = 0;  ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 0;  Zero = 0 }
    @{ Reference = 'Child';  Difference = 'Grandchild'; Region = 'guard';     Shared = 1;                Copied = 0;  ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 3;  Zero = 0 }
    @{ Reference = 'Child';  Difference = 'Grandchild'; Region = 'swapme';    Shared = 0;                Copied = 0;  ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 16; Zero = 0 }
    @{ Reference = 'Child';  Difference = 'Grandchild'; Region = 'readonly';  Shared = (8 - $ZeroPages); Copied = 0;  ReferenceOnly = 0;  DifferenceOnly = 0; NotPresent = 0;  Zero = $ZeroPages }
)

function Compare-Region {
    # Compare-ForkPages over exactly one fixture region.
    param($Family, [string]$Reference, [string]$Difference, [string]$Region)
    $r = $Family.Regions[$Region]
    Compare-ForkPages -ReferenceId $Family.$Reference -DifferenceId $Family.$Difference -Address $r.Address -Count $r.Pages
}
