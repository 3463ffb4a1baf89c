// @vitest-environment jsdom
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeLabClient } from '../../views/fakeLabClient';
import { projectAt } from '../../stores/projectFixture';

const fake = vi.hoisted(() => ({ client: null as unknown as ReturnType<typeof createFakeLabClient> }));
vi.mock('../../../../../renderer/api/labClient', () => ({
  get labClient() {
    return fake.client;
  },
  labTransport: 'websocket',
}));

const GuideCard = (await import('../../../../../renderer/components/onboarding/GuideCard.vue')).default;
const { SAMPLE_PROJECT_NAME, useProjectStore } = await import('../../../../../renderer/stores/projectStore');

beforeEach(() => {
  fake.client = createFakeLabClient();
  setActivePinia(createPinia());
});

describe('GuideCard', () => {
  it("names the starter project the first start created and where it is saved, on the tour's first step", () => {
    const projects = useProjectStore();
    projects.project = projectAt('/home/ada/Fashion-MNIST starter.modellab', null, SAMPLE_PROJECT_NAME);
    projects.onboardingStep = 0;
    const wrapper = mount(GuideCard, { props: { view: 'design' } });
    expect(wrapper.get('[data-testid="guide-project"]').text()).toBe('This is the project “Fashion-MNIST starter”, saved in /home/ada/Fashion-MNIST starter.modellab as you work.');
    projects.onboardingStep = 1;
    const data = mount(GuideCard, { props: { view: 'data' } });
    expect(data.find('[data-testid="guide-project"]').exists()).toBe(false);
  });
});
