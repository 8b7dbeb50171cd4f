// Hand-drawn 16px stroke icons.
import type { JSX } from 'preact';

type P = { size?: number; class?: string; title?: string };

function Svg({ size = 16, class: cls, title, children }: P & { children: JSX.Element | JSX.Element[] }) {
  return (
    <svg
      class={'icon' + (cls ? ' ' + cls : '')}
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      stroke-width="1.5"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden={title ? undefined : 'true'}
      role={title ? 'img' : undefined}
    >
      {title ? <title>{title}</title> : <g />}
      {children}
    </svg>
  );
}

export const IconPlay = (p: P) => (
  <Svg {...p}>
    <path d="M5 3.2v9.6a.5.5 0 0 0 .76.43l7.7-4.8a.5.5 0 0 0 0-.86l-7.7-4.8A.5.5 0 0 0 5 3.2Z" fill="currentColor" stroke="none" />
  </Svg>
);
export const IconPause = (p: P) => (
  <Svg {...p}>
    <rect x="4" y="3" width="2.6" height="10" rx=".6" fill="currentColor" stroke="none" />
    <rect x="9.4" y="3" width="2.6" height="10" rx=".6" fill="currentColor" stroke="none" />
  </Svg>
);
export const IconReplay = (p: P) => (
  <Svg {...p}>
    <path d="M2.5 8a5.5 5.5 0 1 0 1.6-3.9" />
    <path d="M2.5 2.5v3h3" />
  </Svg>
);
export const IconDesktop = (p: P) => (
  <Svg {...p}>
    <rect x="1.75" y="2.5" width="12.5" height="8.5" rx="1.2" />
    <path d="M5.5 13.5h5M8 11v2.5" />
  </Svg>
);
export const IconTablet = (p: P) => (
  <Svg {...p}>
    <rect x="3" y="1.75" width="10" height="12.5" rx="1.4" />
    <path d="M7.2 12h1.6" />
  </Svg>
);
export const IconMobile = (p: P) => (
  <Svg {...p}>
    <rect x="4.5" y="1.5" width="7" height="13" rx="1.4" />
    <path d="M7.3 12.3h1.4" />
  </Svg>
);
export const IconAlert = (p: P) => (
  <Svg {...p}>
    <circle cx="8" cy="8" r="6.25" />
    <path d="M8 4.8v3.6M8 10.9v.1" />
  </Svg>
);
export const IconLink = (p: P) => (
  <Svg {...p}>
    <path d="M6.8 9.2a2.8 2.8 0 0 0 4 0l2-2a2.8 2.8 0 0 0-4-4l-.8.8" />
    <path d="M9.2 6.8a2.8 2.8 0 0 0-4 0l-2 2a2.8 2.8 0 0 0 4 4l.8-.8" />
  </Svg>
);
export const IconChevronDown = (p: P) => (
  <Svg {...p}>
    <path d="m4.5 6.25 3.5 3.5 3.5-3.5" />
  </Svg>
);
export const IconChevronLeft = (p: P) => (
  <Svg {...p}>
    <path d="M9.75 4.5 6.25 8l3.5 3.5" />
  </Svg>
);
export const IconCheck = (p: P) => (
  <Svg {...p}>
    <path d="m3.5 8.5 3 3 6-7" />
  </Svg>
);
export const IconClose = (p: P) => (
  <Svg {...p}>
    <path d="m4.5 4.5 7 7M11.5 4.5l-7 7" />
  </Svg>
);
export const IconSessions = (p: P) => (
  <Svg {...p}>
    <rect x="1.75" y="2.75" width="12.5" height="10.5" rx="1.5" />
    <path d="m6.6 6.1 3.3 1.9-3.3 1.9Z" fill="currentColor" />
  </Svg>
);
export const IconPage = (p: P) => (
  <Svg {...p}>
    <path d="M4 1.75h5.2L12 4.6v9.65H4Z" />
    <path d="M9 1.75V5h3" />
  </Svg>
);
export const IconClick = (p: P) => (
  <Svg {...p}>
    <path d="m6 6 7.2 2.6-3 1.1-1.1 3Z" />
    <path d="M3.3 3.3 4.4 4.4M6 1.8v1.5M1.8 6h1.5" />
  </Svg>
);
export const IconInput = (p: P) => (
  <Svg {...p}>
    <rect x="1.75" y="4.25" width="12.5" height="7.5" rx="1.3" />
    <path d="M4.5 6.5v3" />
  </Svg>
);
export const IconScroll = (p: P) => (
  <Svg {...p}>
    <path d="M8 2v12M5 4.5 8 1.75l3 2.75M5 11.5 8 14.25l3-2.75" />
  </Svg>
);
export const IconBolt = (p: P) => (
  <Svg {...p}>
    <path d="M8.8 1.75 3.5 9h4l-.8 5.25L12.5 7h-4Z" />
  </Svg>
);
export const IconHeat = (p: P) => (
  <Svg {...p}>
    <rect x="2" y="2" width="12" height="12" rx="2" />
    <circle cx="6" cy="6.5" r="1.6" />
    <circle cx="10.2" cy="10" r="2.2" />
  </Svg>
);
export const IconFunnel = (p: P) => (
  <Svg {...p}>
    <path d="M2 2.75h12l-4.5 5.5v4.5l-3 1.5v-6Z" />
  </Svg>
);
export const IconStar = (p: P) => (
  <Svg {...p}>
    <circle cx="8" cy="8" r="2.2" />
    <path d="M8 1.75v2M8 12.25v2M1.75 8h2M12.25 8h2" />
  </Svg>
);
export const IconUser = (p: P) => (
  <Svg {...p}>
    <circle cx="8" cy="5.5" r="2.75" />
    <path d="M2.75 14c.6-2.6 2.7-4 5.25-4s4.65 1.4 5.25 4" />
  </Svg>
);
export const IconSend = (p: P) => (
  <Svg {...p}>
    <path d="M2 8h9M8 4.5 11.5 8 8 11.5M14 3v10" />
  </Svg>
);
export const IconFilter = (p: P) => (
  <Svg {...p}>
    <path d="M2.25 3.5h11.5L9.5 8.5v4l-3 1.5V8.5Z" />
  </Svg>
);
export const IconSearch = (p: P) => (
  <Svg {...p}>
    <circle cx="7" cy="7" r="4.25" />
    <path d="m10.25 10.25 3.5 3.5" />
  </Svg>
);
export const IconLogout = (p: P) => (
  <Svg {...p}>
    <path d="M6 2.25H3.25v11.5H6M10.5 5l3 3-3 3M13.5 8H6" />
  </Svg>
);
export const IconPlus = (p: P) => (
  <Svg {...p}>
    <path d="M8 3v10M3 8h10" />
  </Svg>
);
export const IconWindow = (p: P) => (
  <Svg {...p}>
    <rect x="1.75" y="2.75" width="12.5" height="10.5" rx="1.5" />
    <path d="M1.75 5.75h12.5" />
  </Svg>
);
export const IconSkip = (p: P) => (
  <Svg {...p}>
    <path d="m2.5 4 4.5 4-4.5 4ZM8 4l4.5 4L8 12ZM13.5 4v8" />
  </Svg>
);

export function Logo({ size = 22 }: { size?: number }) {
  return (
    <svg class="logo-mark" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true">
      <rect width="24" height="24" rx="6" fill="currentColor" />
      <path
        d="M5.5 16.5c2.2-.2 3.3-1.6 4.3-3.6s2-4.6 4.6-4.9c1.8-.2 3 .6 4.1 1.6"
        fill="none"
        stroke="#fff"
        stroke-width="2"
        stroke-linecap="round"
      />
      <circle cx="5.6" cy="16.5" r="1.6" fill="#fff" />
      <circle cx="18.5" cy="9.6" r="1.6" fill="#fff" />
    </svg>
  );
}

export function DeviceIcon({ device, size }: { device: string; size?: number }) {
  if (device === 'mobile') return <IconMobile size={size} title="Mobile" />;
  if (device === 'tablet') return <IconTablet size={size} title="Tablet" />;
  return <IconDesktop size={size} title={device ? 'Desktop' : 'Unknown device'} />;
}
export const IconSettings = (p: P) => (
  <Svg {...p}>
    <path d="M2.5 4.5h6M11.5 4.5h2M2.5 11.5h2M7.5 11.5h6" />
    <circle cx="10" cy="4.5" r="1.5" />
    <circle cx="6" cy="11.5" r="1.5" />
  </Svg>
);
export const IconCopy = (p: P) => (
  <Svg {...p}>
    <rect x="5.25" y="5.25" width="8" height="8" rx="1.5" />
    <path d="M10.75 5.25V3.75a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h1.5" />
  </Svg>
);
export const IconLock = (p: P) => (
  <Svg {...p}>
    <rect x="3.25" y="7" width="9.5" height="6.75" rx="1.5" />
    <path d="M5.25 7V5a2.75 2.75 0 0 1 5.5 0v2" />
  </Svg>
);
export const IconTeam = (p: P) => (
  <Svg {...p}>
    <circle cx="6" cy="5.5" r="2.25" />
    <path d="M1.75 13.5c.5-2.2 2.2-3.5 4.25-3.5s3.75 1.3 4.25 3.5" />
    <path d="M10.5 3.6a2.25 2.25 0 0 1 0 3.8M12 10.3c1.1.5 1.9 1.6 2.25 3.2" />
  </Svg>
);
export const IconKey = (p: P) => (
  <Svg {...p}>
    <circle cx="5.25" cy="10.75" r="2.75" />
    <path d="M7.2 8.8 13.25 2.75M11 5l1.75 1.75M9.5 6.5l1.25 1.25" />
  </Svg>
);
